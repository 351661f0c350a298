package io.github.expandcontract.hibernate;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;

/** Field access, {@code @Version}, {@code @DynamicUpdate}: the hardest case for the update path. */
@Entity
@Table(name = "customers")
@DynamicUpdate
public class Customer {

    static final String DDL = """
            create sequence customers_seq start 1 increment 50;
            create table customers (id bigint primary key, name varchar(100), email varchar(200),
                                    email_address varchar(200), version int not null)""";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "customers_seq")
    @SequenceGenerator(name = "customers_seq", sequenceName = "customers_seq", allocationSize = 50)
    Long id;

    String name;

    @Column(name = "email")
    String email;

    @Column(name = "email_address")
    @DualWrite(migration = "customer-email", from = "email")
    String emailAddress;

    @Version
    int version;

    protected Customer() {
    }

    Customer(String name) {
        this.name = name;
    }
}
