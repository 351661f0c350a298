package io.github.expandcontract.autoconfigure.lint;

import io.github.expandcontract.lint.ChangelogLinter;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link AutoConfiguration Auto-configuration} of the migration linter at startup: with
 * {@code expand-contract.lint.on-startup=fail} or {@code warn}, every Liquibase changelog is linted
 * before Liquibase runs it.
 */
@AutoConfiguration(before = LiquibaseAutoConfiguration.class)
@ConditionalOnClass({ SpringLiquibase.class, ChangelogLinter.class })
@Conditional(OnLintAtStartupCondition.class)
@EnableConfigurationProperties(ExpandContractLintProperties.class)
public final class ExpandContractLintAutoConfiguration {

    @Bean
    static StartupChangelogLinter expandContractStartupChangelogLinter(ObjectProvider<ExpandContractLintProperties> properties) {
        return new StartupChangelogLinter(properties);
    }
}
