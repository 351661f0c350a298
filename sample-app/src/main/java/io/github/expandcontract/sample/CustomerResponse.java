package io.github.expandcontract.sample;

/** A customer as the API shows it: both e-mail fields, as the current phase reads them. */
public record CustomerResponse(Long id, String name, String email, String emailAddress, long version) {

    static CustomerResponse of(Customer customer) {
        return new CustomerResponse(customer.getId(), customer.getName(), customer.getEmail(),
                customer.getEmailAddress(), customer.getVersion());
    }
}
