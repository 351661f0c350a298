/**
 * Micrometer meters of expand-contract, tagged {@code migration}: dual writes, fallback reads,
 * backfill rows, batches and progress, verification mismatches.
 */
@NullMarked
package io.github.expandcontract.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
