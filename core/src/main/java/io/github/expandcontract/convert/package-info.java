/**
 * Converters for the common type changes, ready for {@code @DualWrite(converter = ...)}.
 * Each converts both ways and refuses (throws) rather than round, truncate or guess.
 */
package io.github.expandcontract.convert;
