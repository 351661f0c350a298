package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Closes (drops the schema of) every static {@link PostgresTestDatabase} field of a test class
 * after the class's Spring context has been closed, so that the application never sees its
 * schema disappear while it runs (a plain {@code @AfterAll} would run before that).
 * <p>
 * Declare it before {@code @SpringBootTest} and put {@code @DirtiesContext} on the class:
 * JUnit runs after-all callbacks in reverse registration order, so this one runs after the
 * {@code SpringExtension}, which closes the dirty context.
 */
final class CloseDatabasesAfterSpringContext implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws IllegalAccessException {
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && PostgresTestDatabase.class.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                PostgresTestDatabase database = (PostgresTestDatabase) field.get(null);
                if (database != null) {
                    database.close();
                }
            }
        }
    }
}
