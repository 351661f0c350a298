package io.github.expandcontract.autoconfigure.entities.badtype;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Bad: String to Integer without a converter. */
@Entity
@Table(name = "products")
public class Product {

    @Id
    private Long id;

    @Column(name = "stock")
    private String stock;

    @Column(name = "stock_count")
    @DualWrite(migration = "product-stock", from = "stock")
    private Integer stockCount;
}
