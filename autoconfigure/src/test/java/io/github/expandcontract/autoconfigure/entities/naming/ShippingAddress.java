package io.github.expandcontract.autoconfigure.entities.naming;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** No {@code @Table}/{@code @Column} names: Spring's naming maps it to {@code shipping_address(street_line, street_name)}. */
@Entity
public class ShippingAddress {

    public static final String DDL = "create table shipping_address (id bigint primary key, street_line varchar(100), street_name varchar(100))";

    @Id
    private Long id;

    private String streetLine;

    @DualWrite(migration = "address-street", from = "streetLine")
    private String streetName;

    protected ShippingAddress() {
    }

    public ShippingAddress(Long id, String streetLine) {
        this.id = id;
        this.streetLine = streetLine;
    }
}
