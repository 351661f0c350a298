package io.github.expandcontract.autoconfigure.entities.fillnulls;

import io.github.expandcontract.FillNulls;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** {@code invoices.currency} is to become NOT NULL; its NULLs are filled with {@code EUR}. */
@Entity
@Table(name = "invoices")
public class Invoice {

    public static final String MIGRATION = "invoice-currency";

    public static final String DDL = "create table invoices (id bigint primary key, currency varchar(3))";

    @Id
    private Long id;

    @Column(name = "currency")
    @FillNulls(migration = MIGRATION, value = "EUR")
    private String currency;

    protected Invoice() {
    }
}
