/**
 * Spring Boot auto-configuration of expand-contract: binds {@code expand-contract.*}, registers
 * the engine with Hibernate and explains startup failures.
 */
@NullMarked
package io.github.expandcontract.autoconfigure;

import org.jspecify.annotations.NullMarked;
