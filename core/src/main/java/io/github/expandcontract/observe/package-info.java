/**
 * What the engine reports about its work (dual writes, fallback reads, backfill batches,
 * verification mismatches), for metrics.
 */
package io.github.expandcontract.observe;
