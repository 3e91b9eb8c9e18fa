package io.pgconn.spring.boot.autoconfigure.recipe;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application of docs/testing.md §5's recipe, alone in its package as an application's main
 * class is, so that a bare {@code @SpringBootTest} finds it as it would find yours.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RecipeApplication {
}
