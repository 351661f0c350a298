package io.github.expandcontract.autoconfigure.entities.sharedid;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/** Bad: one migration id, inherited by two entities on two tables. */
@MappedSuperclass
public abstract class Party {

    @Id
    private Long id;

    @Column(name = "telephone")
    private String telephone;

    @Column(name = "phone_number")
    @DualWrite(migration = "party-phone", from = "telephone")
    private String phoneNumber;
}
