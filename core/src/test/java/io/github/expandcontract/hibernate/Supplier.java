package io.github.expandcontract.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Inherits its migrated fields from a {@code @MappedSuperclass}; no dynamic update. */
@Entity
@Table(name = "suppliers")
public class Supplier extends Contact {

    static final String DDL = "create table suppliers (id bigint primary key, phone varchar(50), phone_number varchar(50))";

    @Id
    Long id;

    protected Supplier() {
    }

    Supplier(Long id) {
        this.id = id;
    }
}
