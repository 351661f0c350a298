package io.github.expandcontract.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Logs, once the app is ready, which phase it runs in and what to try. */
@Component
public class StartupHint {

    private static final Logger log = LoggerFactory.getLogger(StartupHint.class);

    static final String PHASE_PROPERTY = "expand-contract.migrations." + Customer.EMAIL_MIGRATION + ".phase";
    static final String CREDIT_LIMIT_PHASE_PROPERTY = "expand-contract.migrations." + Customer.CREDIT_LIMIT_MIGRATION + ".phase";

    @EventListener(ApplicationReadyEvent.class)
    public void ready(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        log.info(message(env.getProperty("local.server.port", env.getProperty("server.port", "8080")),
                env.getProperty(PHASE_PROPERTY, "expand (not set)"), env.getProperty(CREDIT_LIMIT_PHASE_PROPERTY, "expand (not set)")));
    }

    static String message(String port, String phase, String creditLimitPhase) {
        String base = "http://localhost:" + port + "/customers";
        String json = "-H 'Content-Type: application/json'";
        return String.join(System.lineSeparator(),
                "expand-contract sample is ready: migration '" + Customer.EMAIL_MIGRATION + "' (customers.email -> customers.email_address) runs in phase " + phase
                        + ", '" + Customer.CREDIT_LIMIT_MIGRATION + "' (customers.credit_limit_cents -> customers.credit_limit) in phase " + creditLimitPhase + ".",
                "  Watch them: http://localhost:" + port + "/status    Try:",
                "  curl -s " + base,
                "  curl -s -X POST " + base + " " + json + " -d '{\"name\":\"Edsger\",\"email\":\"edsger@example.com\"}'",
                "  curl -s -X PUT " + base + "/1 " + json + " -d '{\"emailAddress\":\"ada@new.example.com\",\"creditLimit\":1500.00}'",
                "  curl -s " + base + "/1",
                "  curl -s -X DELETE " + base + "/3",
                "  curl -s http://localhost:" + port + "/actuator/expandcontract/" + Customer.EMAIL_MIGRATION
                        + "    (phase, backfill progress, verification, live instances)",
                "Restart with --" + PHASE_PROPERTY + "=<expand|dual-write|backfill|read-new|contract> to see another phase"
                        + " (contract also needs --spring.liquibase.contexts=default,contract, see db/changelog; likewise "
                        + CREDIT_LIMIT_PHASE_PROPERTY + " with the context contract-credit-limit).");
    }
}
