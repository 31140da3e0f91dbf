package io.tartan.query;

/**
 * Which part of an index a {@link TartanIndex} serves: partition {@code index} of {@code count}
 * ({@link #WHOLE} is 0 of 1). How documents are assigned is documented on {@link PartitionPlan}.
 */
public record Partition(int index, int count) {
    public static final Partition WHOLE = new Partition(0, 1);

    public Partition {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("partition " + index + " of " + count + ": need 0 ≤ i < n and n ≥ 1");
        }
    }

    public boolean isWhole() {
        return count == 1;
    }

    /** {@code "i/n"}, as {@code --partition} takes it. */
    @Override
    public String toString() {
        return index + "/" + count;
    }
}
