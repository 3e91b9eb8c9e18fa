package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

public interface ShipmentRepository extends ReactiveCrudRepository<Shipment, Long> {

    Flux<Shipment> findByStatus(OrderStatus status);
}
