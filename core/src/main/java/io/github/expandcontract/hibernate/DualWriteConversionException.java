package io.github.expandcontract.hibernate;

import org.hibernate.HibernateException;

/** A converter failed on a value; the flush or load fails rather than lose the value. */
public class DualWriteConversionException extends HibernateException {

    public DualWriteConversionException(String migration, String direction, Object rowId, Object value, Throwable cause) {
        super("expand-contract migration '" + migration + "': cannot convert " + direction + " value '" + value
                + "' of row id " + rowId + " (" + cause + "). Nothing was written; fix the value or the converter.", cause);
    }
}
