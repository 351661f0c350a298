package io.github.expandcontract.sample;

import java.util.List;

/** One page of {@code GET /customers}. */
public record CustomerPage(List<CustomerResponse> content, int page, int size, long totalElements, int totalPages) {
}
