package io.github.expandcontract.liquibase;

import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.serializer.core.xml.XMLChangeLogSerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Liquibase writes the extensions back in their own namespace, e.g. when it generates or appends to a changelog. */
class XmlNamespaceTests {

    @Test
    void theSerializerWritesTheExtensionsWithTheirNamespaceAndSchema() throws Exception {
        ClassLoaderResourceAccessor resources = new ClassLoaderResourceAccessor();
        DatabaseChangeLog changeLog = ChangeLogParserFactory.getInstance().getParser("db/formats/changelog.yaml", resources)
                .parse("db/formats/changelog.yaml", new ChangeLogParameters(), resources);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new XMLChangeLogSerializer().write(changeLog.getChangeSets(), out);
        String xml = out.toString(StandardCharsets.UTF_8);

        assertThat(xml).contains("xmlns:ec=\"http://expandcontract.github.io/liquibase\"",
                "http://expandcontract.github.io/liquibase http://expandcontract.github.io/liquibase/expand-contract-liquibase.xsd",
                "<ec:createIndexConcurrently", "<ec:addNotNullConstraintOnline", "lockTimeout=\"1s\"",
                "<ec:migrationVerified migration=\"customer-email\"/>");
    }
}
