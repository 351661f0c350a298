package io.github.expandcontract.hibernate;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.convert.IntegerCentsToAmountConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;

/** A type change through a converter: integer cents to a decimal amount. */
@Entity
@Table(name = "products")
public class Product {

    static final String DDL = "create table products (id bigint primary key, price_cents integer, price numeric(12, 2))";

    @Id
    Long id;

    @Column(name = "price_cents")
    Integer priceCents;

    @Column(name = "price", precision = 12, scale = 2)
    @DualWrite(migration = "product-price", from = "priceCents", converter = IntegerCentsToAmountConverter.class)
    BigDecimal price;

    protected Product() {
    }

    Product(Long id) {
        this.id = id;
    }
}
