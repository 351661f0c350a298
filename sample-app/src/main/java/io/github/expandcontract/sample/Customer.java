package io.github.expandcontract.sample;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A customer whose e-mail column is being renamed from {@code email} to {@code email_address}.
 * <p>
 * Both fields stay mapped while the migration runs. {@link DualWrite} sits on the NEW field and
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

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "name", nullable = false, length = 200)
    private String name;

    /** The OLD column. Removed from the entity after the contract phase (see changelog 004). */
    @Column(name = "email", length = 320)
    private String email;

    /** The NEW column, added by the expand changeset 002. */
    @Column(name = "email_address", length = 320)
    @DualWrite(migration = EMAIL_MIGRATION, from = "email")
    private String emailAddress;

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

    public long getVersion() {
        return version;
    }
}
