package dev.redrive.audit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.support.web.InvalidFieldException;
import org.junit.jupiter.api.Test;

class PagingTest {

  @Test
  void shouldTakeTheDefaultsWhenNothingIsSent() {
    assertThat(Paging.of(null, null, 500, 5000)).isEqualTo(new Paging(500, 0));
    assertThat(Paging.of("5000", "7", 500, 5000)).isEqualTo(new Paging(5000, 7));
  }

  @Test
  void shouldRefuseEveryLimitOutsideItsRangeNamingItAndTheRange() {
    for (String bad : new String[] {"0", "-1", "5001", "99999999999999999999", "ten", ""}) {
      assertThatThrownBy(() -> Paging.of(bad, null, 500, 5000))
          .as("limit=%s", bad)
          .isInstanceOfSatisfying(
              InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("limit"))
          .hasMessageContaining("'limit' must be a whole number from 1 to 5000");
    }
  }

  @Test
  void shouldRefuseANegativeOrNonNumericOffsetNamingIt() {
    for (String bad : new String[] {"-1", "2147483648", "1e3"}) {
      assertThatThrownBy(() -> Paging.of(null, bad, 500, 5000))
          .as("offset=%s", bad)
          .isInstanceOfSatisfying(
              InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("offset"))
          .hasMessageContaining("'offset' must be a whole number of 0 or more");
    }
  }
}
