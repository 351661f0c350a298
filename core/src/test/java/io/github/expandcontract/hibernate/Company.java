package io.github.expandcontract.hibernate;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "companies")
public class Company {

    static final String DDL = "create table companies (id bigint primary key, name varchar(50))";

    @Id
    Long id;

    String name;

    @OneToMany(mappedBy = "company", cascade = CascadeType.ALL, orphanRemoval = true)
    List<Employee> employees = new ArrayList<>();

    protected Company() {
    }

    Company(Long id, String name) {
        this.id = id;
        this.name = name;
    }

    void add(Employee employee) {
        employee.setCompany(this);
        employees.add(employee);
    }
}
