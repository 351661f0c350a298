package io.github.expandcontract.autoconfigure.entities.owner;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The contract's example: {@code telephone} moves to {@code phone_number}. */
@Entity
@Table(name = "owners")
public class Owner {

    public static final String MIGRATION = "owner-phone";

    public static final String DDL = "create table owners (id bigint primary key, telephone varchar(40), phone_number varchar(40))";

    @Id
    private Long id;

    @Column(name = "telephone")
    private String telephone;

    @Column(name = "phone_number")
    @DualWrite(migration = MIGRATION, from = "telephone")
    private String phoneNumber;

    protected Owner() {
    }

    public Owner(Long id, String telephone) {
        this.id = id;
        this.telephone = telephone;
    }

    public String getTelephone() {
        return telephone;
    }

    public void setTelephone(String telephone) {
        this.telephone = telephone;
    }

    public String getPhoneNumber() {
        return phoneNumber;
    }
}
