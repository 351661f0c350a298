package io.github.expandcontract.autoconfigure.lint;

import io.github.expandcontract.lint.ChangelogLinter;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.support.SpringFactoriesLoader;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The changelog is linted before Liquibase runs it, failing or warning as configured. */
@ExtendWith(OutputCaptureExtension.class)
class ExpandContractLintAutoConfigurationTests {

    private final String url = "jdbc:h2:mem:lint-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
                    ExpandContractLintAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + this.url);

    @Test
    void failStopsStartupBeforeLiquibaseRunsAndExplainsTheFix() {
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/dangerous.yaml", "expand-contract.lint.on-startup=fail")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = new ChangelogLintFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("classpath:db/lint/dangerous.yaml")
                            .contains("ERROR index-not-concurrent in changeset customers-email-index (lint-tests) at db/lint/dangerous.yaml:5")
                            .contains("\n    CREATE INDEX customers_email_idx")
                            .contains("so Liquibase was not run");
                    assertThat(analysis.getAction()).contains("ec-lint:ignore <rule-id> <reason>")
                            .contains("expand-contract.lint.on-startup=warn");
                    assertThat(liquibaseRan()).isFalse();
                });
    }

    @Test
    void warnLogsTheFindingsAndLiquibaseRuns(CapturedOutput output) {
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/dangerous.yaml", "expand-contract.lint.on-startup=warn")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).contains("expand-contract lint of classpath:db/lint/dangerous.yaml (bean 'liquibase') before Liquibase runs it")
                            .contains("ERROR index-not-concurrent in changeset customers-email-index");
                    assertThat(liquibaseRan()).isTrue();
                });
    }

    @Test
    void failStartsWhenTheChangelogIsSafe(CapturedOutput output) {
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/safe.yaml", "expand-contract.lint.on-startup=FAIL")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(StartupChangelogLinter.class);
                    assertThat(output).doesNotContain("expand-contract lint of");
                    assertThat(liquibaseRan()).isTrue();
                });
    }

    @Test
    void offByDefault() {
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/dangerous.yaml")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StartupChangelogLinter.class));
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/dangerous.yaml", "expand-contract.lint.on-startup=off")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StartupChangelogLinter.class));
    }

    @Test
    void needsTheLinterAndLiquibaseOnTheClassPath() {
        this.runner.withPropertyValues("expand-contract.lint.on-startup=fail")
                .withClassLoader(new FilteredClassLoader(ChangelogLinter.class))
                .withPropertyValues("spring.liquibase.change-log=classpath:db/lint/dangerous.yaml")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StartupChangelogLinter.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ExpandContractLintAutoConfiguration.class))
                .withPropertyValues("expand-contract.lint.on-startup=fail")
                .withClassLoader(new FilteredClassLoader(SpringLiquibase.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StartupChangelogLinter.class));
    }

    @Test
    void badDatabaseFailsNamingTheProperty() {
        this.runner.withPropertyValues("spring.liquibase.change-log=classpath:db/lint/safe.yaml", "expand-contract.lint.on-startup=warn",
                "expand-contract.lint.database=oracle")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("expand-contract.lint.database: unknown database 'oracle': use postgresql, mysql or mariadb"));
    }

    @Test
    void failureAnalyzerIsRegistered() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader()).load(FailureAnalyzer.class,
                        SpringFactoriesLoader.ArgumentResolver.none(), SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> { })))
                .hasAtLeastOneElementOfType(ChangelogLintFailureAnalyzer.class);
    }

    @Test
    void propertiesAreDocumented() throws IOException {
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                DocumentContext metadata = JsonPath.parse(in);
                List<Map<String, Object>> onStartup = metadata.read("$.properties[?(@.name == 'expand-contract.lint.on-startup')]");
                if (!onStartup.isEmpty()) {
                    assertThat(onStartup).singleElement().satisfies(property -> {
                        assertThat(property).containsEntry("defaultValue", "off");
                        assertThat((String) property.get("description")).startsWith("Whether to lint the Liquibase changelog before Liquibase runs it");
                    });
                    List<String> names = metadata.read("$.properties[*].name");
                    assertThat(names).contains("expand-contract.lint.database", "expand-contract.lint.postgres-version");
                    return;
                }
            }
        }
        throw new AssertionError("no configuration metadata documents expand-contract.lint.on-startup");
    }

    private boolean liquibaseRan() throws SQLException {
        try (Connection connection = DriverManager.getConnection(this.url, "sa", "");
             ResultSet tables = connection.getMetaData().getTables(null, null, "DATABASECHANGELOG", null)) {
            return tables.next();
        }
    }
}
