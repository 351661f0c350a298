package io.github.expandcontract.autoconfigure.entities.badfrom;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Bad: {@code from} names the column, not the field. */
@Entity
@Table(name = "suppliers")
public class Supplier {

    @Id
    private Long id;

    @Column(name = "tel")
    private String telephone;

    @Column(name = "phone_number")
    @DualWrite(migration = "supplier-phone", from = "tel")
    private String phoneNumber;
}
