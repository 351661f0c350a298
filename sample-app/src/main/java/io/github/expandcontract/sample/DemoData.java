package io.github.expandcontract.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/**
 * Puts a few customers into an empty table on start, so that {@code GET /customers} shows
 * something at once. Some are created through the old field and some through the new one: the
 * library fills the columns the phase writes either way. Off with {@code sample.demo-data=false}.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.demo-data", matchIfMissing = true)
public class DemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final CustomerRepository customers;

    public DemoData(CustomerRepository customers) {
        this.customers = customers;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (customers.count() > 0) {
            return;
        }
        Customer ada = new Customer("Ada Lovelace");
        ada.setEmail("ada@example.com");
        Customer grace = new Customer("Grace Hopper");
        grace.setEmailAddress("grace@example.com");
        Customer alan = new Customer("Alan Turing");
        alan.setEmail("alan@example.com");
        customers.saveAll(List.of(ada, grace, alan));
        log.info("Added {} demo customers to the empty customers table", 3);
    }
}
