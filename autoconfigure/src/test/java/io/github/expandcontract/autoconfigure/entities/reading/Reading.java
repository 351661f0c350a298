package io.github.expandcontract.autoconfigure.entities.reading;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.convert.StringToLongConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A type change: meter readings kept as text move to a {@code bigint} column. */
@Entity
@Table(name = "readings")
public class Reading {

    public static final String MIGRATION = "reading-value";

    public static final String DDL = "create table readings (id bigint primary key, value_text varchar(40), value bigint)";

    @Id
    private Long id;

    @Column(name = "value_text")
    private String valueText;

    @Column(name = "value")
    @DualWrite(migration = MIGRATION, from = "valueText", converter = StringToLongConverter.class)
    private Long value;

    protected Reading() {
    }

    public Reading(Long id, String valueText) {
        this.id = id;
        this.valueText = valueText;
    }
}
