package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises itself (malformed HTTP, headers too large, requests refused while shutting down)
 * as {@code {"error": …}} like the API does, never with exception text for a 5xx.
 */
final class JsonErrorHandler implements Request.Handler {
    private final int retryAfterSeconds;

    JsonErrorHandler(int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        String reason = HttpStatus.getMessage(status);
        String text = status < 500 && message != null ? reason + ": " + message : reason;
        ObjectNode body = JsonReplies.error(text);
        if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
        }
        JsonReplies.send(response, callback, status, body);
        return true;
    }
}
