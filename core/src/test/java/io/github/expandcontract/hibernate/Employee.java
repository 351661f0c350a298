package io.github.expandcontract.hibernate;

import io.github.expandcontract.DualWrite;
import jakarta.persistence.Access;
import jakarta.persistence.AccessType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** Property access (mapping on the getters), reached by cascade from {@link Company}. */
@Entity
@Table(name = "employees")
@Access(AccessType.PROPERTY)
public class Employee {

    static final String DDL = "create table employees (id bigint primary key, company_id bigint, title varchar(50), job_title varchar(50))";

    private Long id;
    private Company company;
    private String title;
    @DualWrite(migration = "employee-title", from = "title")
    private String jobTitle;

    public Employee() {
    }

    Employee(Long id, String title) {
        this.id = id;
        this.title = title;
    }

    @Id
    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    @ManyToOne
    @JoinColumn(name = "company_id")
    public Company getCompany() {
        return company;
    }

    public void setCompany(Company company) {
        this.company = company;
    }

    @Column(name = "title")
    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    @Column(name = "job_title")
    public String getJobTitle() {
        return jobTitle;
    }

    public void setJobTitle(String jobTitle) {
        this.jobTitle = jobTitle;
    }
}
