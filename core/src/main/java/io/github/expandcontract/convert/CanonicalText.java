package io.github.expandcontract.convert;

import java.util.function.Function;

/** Parses text strictly: only the form the value prints itself in, so converting back gives the same text. */
final class CanonicalText {

    private CanonicalText() {
    }

    /**
     * @throws IllegalArgumentException when the text does not parse, or parses but prints differently
     *                                  (whitespace, a plus sign, leading zeros, another letter case)
     */
    static <T> T parse(String text, String typeName, Function<String, T> parser, Function<T, String> printer) {
        T value;
        try {
            value = parser.apply(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + typeName, e);
        }
        String printed = printer.apply(value);
        if (!printed.equals(text)) {
            throw new IllegalArgumentException("'" + text + "' is not written the way " + typeName + " prints ('" + printed
                    + "'), so it would not convert back to the same text; refused rather than changed");
        }
        return value;
    }
}
