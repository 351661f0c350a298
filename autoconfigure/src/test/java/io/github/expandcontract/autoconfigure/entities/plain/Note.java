package io.github.expandcontract.autoconfigure.entities.plain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity without {@code @DualWrite}: an application that has the starter but no migration yet. */
@Entity
@Table(name = "notes")
public class Note {

    public static final String DDL = "create table notes (id bigint primary key, text varchar(200))";

    @Id
    private Long id;

    private String text;
}
