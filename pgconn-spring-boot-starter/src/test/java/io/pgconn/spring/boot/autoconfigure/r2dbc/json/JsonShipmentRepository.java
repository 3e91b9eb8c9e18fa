package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

public interface JsonShipmentRepository extends ReactiveCrudRepository<Shipment, Long> {

    Flux<Shipment> findByName(String name);

    @Query("SELECT * FROM shipment WHERE address->>'city' = :city ORDER BY id")
    Flux<Shipment> inCity(String city);
}
