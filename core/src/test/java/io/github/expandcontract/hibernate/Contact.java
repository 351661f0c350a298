package io.github.expandcontract.hibernate;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

@MappedSuperclass
public abstract class Contact {

    @Column(name = "phone")
    String phone;

    @Column(name = "phone_number")
    @DualWrite(migration = "contact-phone", from = "phone")
    String phoneNumber;
}
