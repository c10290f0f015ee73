package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutboxShardsTest {

  @Test
  void everyKeyHasOneShardInRangeAndExecutionsSpreadOverAllShards() {
    Map<Integer, Integer> perShard = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      String key = UUID.nameUUIDFromBytes(("exec-" + i).getBytes()).toString();
      int shard = OutboxShards.of(key, 4);
      assertThat(shard).isBetween(0, 3).isEqualTo(OutboxShards.of(key, 4));
      perShard.merge(shard, 1, Integer::sum);
    }
    assertThat(perShard).hasSize(4);
    assertThat(perShard.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
  }

  @Test
  void oneShardIsShardZeroAndKeepsTheLockTransactionalIdAndProgressKeyOfTheRelayBeforeShards() {
    assertThat(OutboxShards.of("anything", 1)).isZero();
    assertThat(OutboxShards.lockName("relay-1", 0)).isEqualTo("redrive-outbox:relay-1");
    assertThat(OutboxShards.progressKey("relay-1", 0)).isEqualTo("relay-1");
    assertThat(OutboxShards.progressKey("relay-1", 3)).isEqualTo("relay-1:3");
    assertThat(OutboxShards.lockName("relay-1", 3)).isEqualTo("redrive-outbox:relay-1:3");
  }

  @Test
  void aShardCountOutOfItsBoundsStopsStartUpNamingTheProperty() {
    assertThatThrownBy(() -> OutboxShards.settle(null, OutboxShards.MAX + 1))
        .hasMessageContaining("redrive.outbox.shards must be between 1 and 64, not 65");
    assertThatThrownBy(() -> OutboxShards.settle(null, 0))
        .hasMessageContaining("redrive.outbox.shards");
  }
}
