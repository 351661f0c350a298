package io.github.expandcontract.sample;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

import java.math.BigDecimal;

/**
 * The customer use cases. Nothing here knows about the migrations' phases: the code sets
 * whichever field of a pair the client sent and lets the library write the columns the phase wants.
 */
@Service
public class CustomerService {

    /** Largest page {@code GET /customers} returns. */
    static final int MAX_PAGE_SIZE = 100;

    /** The largest amount credit_limit numeric(12,2) holds. */
    static final BigDecimal MAX_CREDIT_LIMIT = new BigDecimal("9999999999.99");

    private final CustomerRepository customers;

    public CustomerService(CustomerRepository customers) {
        this.customers = customers;
    }

    @Transactional
    public CustomerResponse create(CustomerRequest request) {
        if (request.name() == null || request.name().isBlank()) {
            throw badRequest("name is required");
        }
        String email = emailOf(request);
        if (email == null) {
            throw badRequest("email or emailAddress is required");
        }
        Customer customer = new Customer(request.name().trim());
        if (creditLimitOf(request) == null) {
            // the old column is NOT NULL until contract; a customer without a limit gets none
            customer.setCreditLimit(BigDecimal.ZERO.setScale(2));
        }
        apply(customer, request);
        // flush now so that the response shows the columns as written (both fields in sync)
        return CustomerResponse.of(customers.saveAndFlush(customer));
    }

    @Transactional(readOnly = true)
    public CustomerResponse get(long id) {
        return CustomerResponse.of(find(id));
    }

    @Transactional(readOnly = true)
    public CustomerPage list(int page, int size) {
        if (page < 0) {
            throw badRequest("page must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw badRequest("size must be between 1 and " + MAX_PAGE_SIZE);
        }
        Page<Customer> result = customers.findAll(PageRequest.of(page, size, Sort.by("id")));
        return new CustomerPage(result.map(CustomerResponse::of).getContent(), page, size,
                result.getTotalElements(), result.getTotalPages());
    }

    @Transactional
    public CustomerResponse update(long id, CustomerRequest request) {
        Customer customer = find(id);
        if (request.name() != null) {
            if (request.name().isBlank()) {
                throw badRequest("name must not be blank");
            }
            customer.setName(request.name().trim());
        }
        emailOf(request); // validates: two different values are refused
        creditLimitOf(request);
        apply(customer, request);
        return CustomerResponse.of(customers.saveAndFlush(customer));
    }

    @Transactional
    public void delete(long id) {
        customers.delete(find(id));
    }

    private Customer find(long id) {
        return customers.findById(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no customer with id " + id));
    }

    /**
     * Sets only the field(s) the client sent. Setting one field is enough: on flush the library
     * copies it to the other one.
     */
    private static void apply(Customer customer, CustomerRequest request) {
        if (request.email() != null) {
            customer.setEmail(request.email().trim());
        }
        if (request.emailAddress() != null) {
            customer.setEmailAddress(request.emailAddress().trim());
        }
        if (request.creditLimitCents() != null) {
            customer.setCreditLimitCents(request.creditLimitCents());
        }
        if (request.creditLimit() != null) {
            customer.setCreditLimit(request.creditLimit().setScale(2));
        }
    }

    /**
     * The credit limit the request carries as an amount, or null; refuses two different values,
     * negative ones, fractions of a cent and amounts too large for numeric(12,2).
     */
    private static BigDecimal creditLimitOf(CustomerRequest request) {
        BigDecimal fromCents = request.creditLimitCents() == null ? null : BigDecimal.valueOf(request.creditLimitCents(), 2);
        BigDecimal amount = request.creditLimit();
        if (amount != null && amount.stripTrailingZeros().scale() > 2) {
            throw badRequest("creditLimit has at most two decimal places (whole cents), got " + amount.toPlainString());
        }
        if (fromCents != null && amount != null && fromCents.compareTo(amount) != 0) {
            throw badRequest("send either creditLimitCents or creditLimit (or both meaning the same amount), not two different values");
        }
        BigDecimal value = amount != null ? amount : fromCents;
        if (value != null && (value.signum() < 0 || value.compareTo(MAX_CREDIT_LIMIT) > 0)) {
            throw badRequest("the credit limit must be between 0 and " + MAX_CREDIT_LIMIT.toPlainString() + ", got " + value.toPlainString());
        }
        return value;
    }

    /** The e-mail the request carries, or null; refuses two different values and blank ones. */
    private static String emailOf(CustomerRequest request) {
        String email = request.email();
        String emailAddress = request.emailAddress();
        if ((email != null && email.isBlank()) || (emailAddress != null && emailAddress.isBlank())) {
            throw badRequest("email and emailAddress must not be blank");
        }
        if (email != null && emailAddress != null && !email.trim().equals(emailAddress.trim())) {
            throw badRequest("send either email or emailAddress (or both with the same value), not two different values");
        }
        String value = email != null ? email : emailAddress;
        return value == null ? null : value.trim();
    }

    private static ResponseStatusException badRequest(String reason) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
    }
}
