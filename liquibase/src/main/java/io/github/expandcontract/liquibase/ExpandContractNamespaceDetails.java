package io.github.expandcontract.liquibase;

import liquibase.parser.LiquibaseParser;
import liquibase.parser.NamespaceDetails;
import liquibase.parser.core.xml.XMLChangeLogSAXParser;
import liquibase.serializer.LiquibaseSerializer;
import liquibase.serializer.core.xml.XMLChangeLogSerializer;

/**
 * The XML namespace of the extensions. Liquibase's entity resolver finds the XSD on the classpath
 * under the schema URL without its scheme ({@code expandcontract.github.io/liquibase/...}), so
 * changelogs validate without network access; the serializer uses the short name {@code ec}.
 */
public class ExpandContractNamespaceDetails implements NamespaceDetails {

    public static final String NAMESPACE = "http://expandcontract.github.io/liquibase";

    public static final String SCHEMA_URL = "http://expandcontract.github.io/liquibase/expand-contract-liquibase.xsd";

    @Override
    public int getPriority() {
        return PRIORITY_EXTENSION;
    }

    @Override
    public boolean supports(LiquibaseSerializer serializer, String namespaceOrUrl) {
        return serializer instanceof XMLChangeLogSerializer && isOurs(namespaceOrUrl);
    }

    @Override
    public boolean supports(LiquibaseParser parser, String namespaceOrUrl) {
        return parser instanceof XMLChangeLogSAXParser && isOurs(namespaceOrUrl);
    }

    @Override
    public String getShortName(String namespaceOrUrl) {
        return "ec";
    }

    @Override
    public String getSchemaUrl(String namespaceOrUrl) {
        return SCHEMA_URL;
    }

    @Override
    public String[] getNamespaces() {
        return new String[] {NAMESPACE};
    }

    private static boolean isOurs(String namespaceOrUrl) {
        return NAMESPACE.equals(namespaceOrUrl) || SCHEMA_URL.equals(namespaceOrUrl);
    }
}
