package io.tartan.encoders;

/**
 * A model, tokenizer, projection or config file that cannot be used, or an encoder that cannot run. The message
 * always names the file or setting at fault so that a failed Spark task says what to fix.
 */
public class EncoderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EncoderException(String message) {
    super(message);
  }

  public EncoderException(String message, Throwable cause) {
    super(message, cause);
  }
}
