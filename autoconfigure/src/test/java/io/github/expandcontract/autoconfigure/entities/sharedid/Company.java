package io.github.expandcontract.autoconfigure.entities.sharedid;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

@Entity
@Table(name = "companies")
public class Company extends Party {
}
