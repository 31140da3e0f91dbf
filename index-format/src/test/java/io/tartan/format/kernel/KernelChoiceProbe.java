package io.tartan.format.kernel;

/** Run in a child JVM by {@link KernelChoiceTest}: prints the kernels this JVM chose. */
public final class KernelChoiceProbe {
    private KernelChoiceProbe() {
    }

    public static void main(String[] args) {
        System.out.println("kernels=" + Kernels.get().name() + "|" + InteractionKernels.get().name());
    }
}
