/**
 * Spherical k-means for PLAID centroids, without Spark: seeded initialisation, the Lloyd step as partial sums over
 * blocks of points (so a distributed driver can combine them in any tree), brute-force and two-level (coarse → fine)
 * nearest-centroid assignment, ColBERT's sample and centroid-count formulas, and a local fit driver for tests and
 * tools. The Spark job in {@code jobs/} distributes exactly these pieces.
 *
 * <p>Vectors are L2-normalised and "nearest" means largest inner product, as in ColBERT's {@code compress}; new
 * centroids are the normalised means of their points.
 */
package io.tartan.format.kmeans;
