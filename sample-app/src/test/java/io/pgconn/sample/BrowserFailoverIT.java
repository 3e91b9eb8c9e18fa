package io.pgconn.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pgconn.sample.embedded.EmbeddedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The page as a person sees it, in headless Chromium (Debian's {@code chromium} + {@code chromium-driver}):
 * two hosts, the primary active, the Spring Data write load landing on it; a click on the failover
 * button moves the active host to the promoted standby, the writes continue there (none refused by a
 * read-only server), and the page explains there is one failover per run. Skipped without Chromium, except under
 * {@code CI=true}, where a missing browser fails the build ({@code .ci/run} installs it).
 */
// Selenium warns that it has no DevTools (CDP) module for this Chromium version: this test needs none
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "logging.level.org.openqa.selenium=ERROR")
@DirtiesContext // the embedded cluster can fail over once
@EnabledIf(value = "chromiumPresentOrOnCi", disabledReason = "browser check skipped: no /usr/bin/chromium and "
        + "/usr/bin/chromedriver (apt-get install chromium chromium-driver); CI=true turns this into a failure")
class BrowserFailoverIT {

    static final Path CHROMIUM = Path.of(System.getProperty("sample.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("sample.chromedriver", "/usr/bin/chromedriver"));
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedCluster cluster;

    Path profile;
    WebDriver browser;

    /** Present, or missing under CI=true, where {@link #requireChromium()} then fails the class. */
    static boolean chromiumPresentOrOnCi() {
        return chromiumPresent() || "true".equals(System.getenv("CI"));
    }

    static boolean chromiumPresent() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @BeforeAll
    static void requireChromium() {
        if (!chromiumPresent()) {
            fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: .ci/run should have installed "
                    + "Debian's chromium and chromium-driver");
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        profile = Files.createTempDirectory("sample-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--window-size=1200,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void clickingFailoverMovesTheActiveHost() throws IOException {
        String primary = cluster.hosts().get(0);
        String standby = cluster.hosts().get(1);
        WebDriverWait wait = new WebDriverWait(browser, DEADLINE);

        browser.get("http://localhost:" + port + "/");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#hosts-body tr.host"), 2));
        wait.until(ExpectedConditions.textToBe(By.id("active-host"), primary));
        assertThat(browser.findElements(By.cssSelector("#hosts-body tr.host")))
                .extracting(row -> row.getAttribute("data-host"))
                .containsExactly(primary, standby);
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#hosts-body tr.active"), "data-host", primary));

        // the Spring Data write load lands on the primary
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#writes-body tr[data-host='" + primary + "']")));

        wait.until(ExpectedConditions.elementToBeClickable(By.id("failover-button"))).click();

        wait.until(ExpectedConditions.textToBe(By.id("active-host"), standby));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#hosts-body tr.active"), "data-host", standby));
        By oldPrimaryStatus = By.cssSelector("#hosts-body tr[data-host='" + primary + "'] .host-status");
        wait.until(ExpectedConditions.textToBe(oldPrimaryStatus, "down"));
        // the short reason on the page; the socket error's detail is in the log
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#hosts-body tr[data-host='" + primary + "'] .host-error"),
                "connection refused (" + primary + ")"));
        // writes continue on the new primary, none refused by a read-only server
        By standbyWrites = By.cssSelector("#writes-body tr[data-host='" + standby + "'] .writes-count");
        wait.until(ExpectedConditions.presenceOfElementLocated(standbyWrites));
        wait.until(d -> Long.parseLong(d.findElement(standbyWrites).getText()) >= 5);
        wait.until(ExpectedConditions.textToBe(By.id("writes-last-host"), standby));
        assertThat(browser.findElement(By.id("writes-readonly")).getText()).isEqualTo("0");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("meters-body"), "pg.conn.failovers"));
        assertThat(browser.findElement(By.id("meters-body")).getText())
                .contains("pg.conn.connections.active").contains("pg.conn.connect")
                .contains("pg.conn.pool.evictions").contains("r2dbc.pool.acquired");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("failover-note")));
        assertThat(browser.findElement(By.id("failover-note")).getText())
                .contains("One demo failover per run")
                .contains("pg_rewind");
        assertThat(browser.findElement(By.id("failover-button")).isEnabled()).isFalse();

        // for a person to look at: target/browser-failover.png
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "browser-failover.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
