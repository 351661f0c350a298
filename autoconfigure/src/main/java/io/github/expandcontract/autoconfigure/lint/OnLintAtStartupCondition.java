package io.github.expandcontract.autoconfigure.lint;

import io.github.expandcontract.autoconfigure.lint.ExpandContractLintProperties.OnStartup;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.Locale;

/** Matches when {@code expand-contract.lint.on-startup} is {@code fail} or {@code warn}. */
class OnLintAtStartupCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        OnStartup onStartup = Binder.get(context.getEnvironment()).bind("expand-contract.lint.on-startup", OnStartup.class)
                .orElse(OnStartup.OFF);
        ConditionMessage.Builder message = ConditionMessage.forCondition("expand-contract.lint.on-startup");
        return onStartup == OnStartup.OFF ? ConditionOutcome.noMatch(message.because("is off"))
                : ConditionOutcome.match(message.because("is " + onStartup.name().toLowerCase(Locale.ROOT)));
    }
}
