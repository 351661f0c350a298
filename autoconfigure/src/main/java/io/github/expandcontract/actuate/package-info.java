/**
 * The Actuator surface of expand-contract: the {@code expandcontract} endpoint (progress,
 * verification and live instances of every migration; pause, resume, verify, restart) and the
 * {@code expandcontract} health contributor.
 */
@NullMarked
package io.github.expandcontract.actuate;

import org.jspecify.annotations.NullMarked;
