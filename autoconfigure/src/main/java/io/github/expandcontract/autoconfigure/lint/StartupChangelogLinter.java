package io.github.expandcontract.autoconfigure.lint;

import io.github.expandcontract.autoconfigure.lint.ExpandContractLintProperties.OnStartup;
import io.github.expandcontract.lint.ChangelogLinter;
import io.github.expandcontract.lint.LintReport;
import io.github.expandcontract.lint.LintReport.FailOn;
import io.github.expandcontract.lint.Severity;
import liquibase.integration.spring.SpringLiquibase;
import liquibase.integration.spring.SpringResourceAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.io.DefaultResourceLoader;

import java.util.List;

/**
 * Lints the changelog of every {@link SpringLiquibase} bean before it initialises, that is before
 * Liquibase runs it: Spring Boot's own and any the application defines, with the resource loader
 * Liquibase will use.
 */
class StartupChangelogLinter implements BeanPostProcessor {

    private static final Log logger = LogFactory.getLog(StartupChangelogLinter.class);

    private final ObjectProvider<ExpandContractLintProperties> properties;

    StartupChangelogLinter(ObjectProvider<ExpandContractLintProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof SpringLiquibase liquibase && liquibase.getChangeLog() != null) {
            lint(liquibase, beanName);
        }
        return bean;
    }

    private void lint(SpringLiquibase liquibase, String beanName) {
        ExpandContractLintProperties settings = this.properties.getObject();
        SpringResourceAccessor accessor = new SpringResourceAccessor(
                liquibase.getResourceLoader() != null ? liquibase.getResourceLoader() : new DefaultResourceLoader());
        LintReport report = new ChangelogLinter(settings.toOptions()).lint(accessor, List.of(liquibase.getChangeLog()));
        long errors = report.count(Severity.ERROR);
        long warnings = report.count(Severity.WARNING);
        if (settings.getOnStartup() == OnStartup.FAIL && report.fails(FailOn.ERROR)) {
            throw new ChangelogLintException(liquibase.getChangeLog(), errors, report.toText());
        }
        if (errors + warnings > 0) {
            logger.warn("expand-contract lint of " + liquibase.getChangeLog() + " (bean '" + beanName + "') before Liquibase runs it:\n"
                    + report.toText());
        } else if (logger.isDebugEnabled()) {
            logger.debug("expand-contract lint of " + liquibase.getChangeLog() + ": no findings");
        }
    }
}
