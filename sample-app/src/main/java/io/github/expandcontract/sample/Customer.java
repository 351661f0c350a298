package io.github.expandcontract.sample;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.convert.CentsToAmountConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;

import java.math.BigDecimal;

/**
 * A customer with two migrations under way: the e-mail column is renamed from {@code email} to
 * {@code email_address} ({@value #EMAIL_MIGRATION}), and the credit limit changes type from integer
 * cents {@code credit_limit_cents bigint} to a decimal amount {@code credit_limit numeric(12,2)}
 * ({@value #CREDIT_LIMIT_MIGRATION}, through the library's {@link CentsToAmountConverter}).
 * <p>
 * Both fields of each pair stay mapped while its migration runs. {@link DualWrite} sits on the NEW field and
 * names the OLD one; the application may read and write either field, the library keeps them in
 * sync and decides, per phase, which column is written and which one is read.
 * <p>
 * {@link DynamicUpdate} makes Hibernate write only the changed columns, which is what an
 * expand/contract migration wants: an UPDATE of the name never touches the e-mail columns.
 */
@Entity
@Table(name = "customers")
@DynamicUpdate
public class Customer {

    /** The migration id used in {@code expand-contract.migrations.<id>.phase}. */
    public static final String EMAIL_MIGRATION = "customer-email";

    /** The id of the type change cents -> amount. */
    public static final String CREDIT_LIMIT_MIGRATION = "customer-credit-limit";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "name", nullable = false, length = 200)
    private String name;

    /** The OLD column. Removed from the entity after the contract phase (see the cleanup note in db.changelog-master.yaml). */
    @Column(name = "email", length = 320)
    private String email;

    /** The NEW column, added by the expand changeset 002. */
    @Column(name = "email_address", length = 320)
    @DualWrite(migration = EMAIL_MIGRATION, from = "email")
    private String emailAddress;

    /** The OLD column of the type change: whole cents. */
    @Column(name = "credit_limit_cents")
    private Long creditLimitCents;

    /** The NEW column, added by the expand changeset 004: the amount with two decimals. */
    @Column(name = "credit_limit", precision = 12, scale = 2)
    @DualWrite(migration = CREDIT_LIMIT_MIGRATION, from = "creditLimitCents", converter = CentsToAmountConverter.class)
    private BigDecimal creditLimit;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Customer() {
        // for JPA
    }

    public Customer(String name) {
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getEmailAddress() {
        return emailAddress;
    }

    public void setEmailAddress(String emailAddress) {
        this.emailAddress = emailAddress;
    }

    public Long getCreditLimitCents() {
        return creditLimitCents;
    }

    public void setCreditLimitCents(Long creditLimitCents) {
        this.creditLimitCents = creditLimitCents;
    }

    public BigDecimal getCreditLimit() {
        return creditLimit;
    }

    public void setCreditLimit(BigDecimal creditLimit) {
        this.creditLimit = creditLimit;
    }

    public long getVersion() {
        return version;
    }
}
