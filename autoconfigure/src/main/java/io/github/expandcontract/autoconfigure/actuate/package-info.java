/**
 * Auto-configuration of the Actuator endpoint and the health contributor, each active only when
 * the application has the Actuator (respectively Spring Boot's health support) on its class path.
 */
@NullMarked
package io.github.expandcontract.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
