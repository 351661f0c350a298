package io.github.expandcontract.sample;

import java.math.BigDecimal;

/** A customer as the API shows it: both fields of each migration, as the current phase reads them. */
public record CustomerResponse(Long id, String name, String email, String emailAddress, Long creditLimitCents,
                               BigDecimal creditLimit, long version) {

    static CustomerResponse of(Customer customer) {
        return new CustomerResponse(customer.getId(), customer.getName(), customer.getEmail(), customer.getEmailAddress(),
                customer.getCreditLimitCents(), customer.getCreditLimit(), customer.getVersion());
    }
}
