package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.api.ClipModel;
import dev.jclip.api.Prediction;
import dev.jclip.index.Hit;
import dev.jclip.index.VectorIndex;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromedriver}; {@code .ci/run} installs them), against a server on a small index built
 * here: what it shows equals what the library answers for the same query, and the browser asks
 * nothing of any host but the server. Screenshots of each view go to {@code target/screenshots/}.
 */
@RequiresShared
class WebPageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final String KEY = "page-key-0123456789abc";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static ClipModel model;
    static VectorIndex index;
    static ClipServer open, keyed;
    static List<Path> images = new ArrayList<>();
    ChromeDriver driver;

    @BeforeAll
    static void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian's chromium and chromium-driver; .ci/run installs them)");
        }
        Assumptions.assumeTrue(present, "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                + " is missing (apt-get install chromium chromium-driver)");
        model = ClipModel.load(ClipServerTest.VIT, ClipServerTest.VOCAB);
        Path indexDir = dir.resolve("index");
        try (VectorIndex build = VectorIndex.open(indexDir, model.id(), model.dimension())) {
            for (int i = 0; i < 6; i++) {
                Path file = Files.write(dir.resolve("image-" + i + ".png"), ClipServerTest.png(i + 1));
                images.add(file);
                build.upsert(file.toString(), Files.size(file), 0, model.embedImage(file));
            }
        }
        index = VectorIndex.openForSearch(indexDir, model.id());
        open = ClipServer.start(model, index, ServerConfig.defaults().withPort(0));
        keyed = ClipServer.start(model, index, ServerConfig.defaults().withPort(0).withApiKey(KEY));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        for (ClipServer s : new ClipServer[] {open, keyed}) {
            if (s != null) {
                s.close();
            }
        }
        if (index != null) {
            index.close();
        }
    }

    @BeforeEach
    void browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // The driver and the browser are given, so Selenium Manager never runs to download them.
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
    }

    @AfterEach
    void close(TestInfo test) throws IOException {
        if (driver != null) {
            try {
                screenshot("last-of-" + test.getTestMethod().orElseThrow().getName());
                assertOnlyLocalRequests(test.getTestMethod().orElseThrow().getName());
            } finally {
                driver.quit();
            }
        }
    }

    /** Every request the page made (the browser's network log) went to the servers of this test. */
    private void assertOnlyLocalRequests(String test) throws IOException {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = Http.JSON.readTree(entry.getMessage()).get("message");
            if (message.get("method").textValue().equals("Network.requestWillBeSent")) {
                urls.add(message.get("params").get("request").get("url").textValue());
            }
        }
        assertTrue(!urls.isEmpty(), test + ": the network log is empty");
        for (String url : urls) {
            boolean local = url.startsWith(open.uri().toString()) || url.startsWith(keyed.uri().toString())
                    || url.startsWith("blob:" + open.uri().toString().replaceAll("/$", "")) || url.startsWith("blob:" + keyed.uri().toString().replaceAll("/$", ""))
                    || url.startsWith("data:");
            assertTrue(local, test + ": a request left the server: " + url);
        }
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Waits for {@code n} results whose thumbnails have loaded; their paths, in order. */
    private List<String> results(int n) {
        waiting().until(d -> d.findElements(By.cssSelector("#results .result")).size() == n
                && d.findElements(By.cssSelector("#results img")).stream().allMatch(img -> thumbnailLoaded(img)));
        return driver.findElements(By.cssSelector("#results .result")).stream().map(e -> e.getDomAttribute("data-path")).toList();
    }

    private boolean thumbnailLoaded(WebElement img) {
        return Boolean.TRUE.equals(driver.executeScript("return arguments[0].src.startsWith('blob:') && arguments[0].complete"
                + " && arguments[0].naturalWidth > 0", img));
    }

    private List<Float> scores() {
        return driver.findElements(By.cssSelector("#results .result")).stream().map(e -> Float.parseFloat(e.getDomAttribute("data-score"))).toList();
    }

    private static List<String> paths(List<Hit> hits) {
        return hits.stream().map(Hit::path).toList();
    }

    private void assertResults(List<Hit> expected, List<String> shown) {
        assertEquals(paths(expected), shown);
        List<Float> scores = scores();
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), scores.get(i), 1e-6, "score of rank " + i);
        }
    }

    @Test
    void aTextQueryShowsTheNearestImagesBestFirst() throws IOException {
        driver.get(open.uri().toString());
        waiting().until(d -> d.findElement(By.id("info")).getText().contains("6 vectors"));
        assertEquals("model " + model.id() + " · 6 vectors", driver.findElement(By.id("info")).getText());
        driver.findElement(By.id("q")).sendKeys("a photo of a dog", Keys.ENTER);
        List<Hit> expected = index.searchExact(model.embedText("a photo of a dog"), 6);
        assertResults(expected, results(6));
        assertTrue(driver.getCurrentUrl().endsWith("/?q=a+photo+of+a+dog&k=24"), driver.getCurrentUrl());
        screenshot("search");

        // The first result opened large, with its path.
        driver.findElement(By.cssSelector("#results .result .open")).click();
        waiting().until(d -> thumbnailLoaded(d.findElement(By.id("viewer-img"))));
        assertTrue(driver.findElement(By.id("viewer-path")).getText().startsWith(expected.get(0).path() + " · score "));
        screenshot("viewer");
        driver.findElement(By.id("viewer")).sendKeys(Keys.ESCAPE);
        waiting().until(d -> !d.findElement(By.id("viewer")).isDisplayed());
    }

    @Test
    void anUploadedImageFindsItselfFirst() throws IOException {
        driver.get(open.uri().toString());
        Path query = images.get(3);
        driver.findElement(By.id("search-file")).sendKeys(query.toString());
        assertResults(index.searchExact(model.embedImage(query), 6), results(6));
        assertEquals(query.toString(), results(6).get(0));
        assertEquals("Images like " + query.getFileName(), driver.findElement(By.id("query-label")).getText());
        screenshot("image-search");
    }

    @Test
    void aQueryInTheAddressRendersOnLoad() throws IOException {
        String q = "a red car";
        driver.get(open.uri() + "?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=3");
        assertResults(index.searchExact(model.embedText(q), 3), results(3));
        assertEquals(q, driver.findElement(By.id("q")).getDomProperty("value"));
        // Load more: the next page of the same query.
        driver.findElement(By.id("more")).click();
        assertResults(index.searchExact(model.embedText(q), 6), results(6));
        waiting().until(d -> !d.findElement(By.id("more")).isDisplayed());
    }

    @Test
    void moreLikeThisSearchesByTheResultsImage() throws IOException {
        driver.get(open.uri() + "?q=cat&k=6");
        results(6);
        WebElement third = driver.findElements(By.cssSelector("#results .result")).get(2);
        String path = third.getDomAttribute("data-path");
        third.findElement(By.cssSelector(".like")).click();
        waiting().until(d -> d.getCurrentUrl().contains("like=" + ItemIds.of(path)));
        waiting().until(d -> d.findElement(By.id("query-label")).getText().equals("Images like an indexed image"));
        assertEquals(path, results(6).get(0));
    }

    @Test
    void zeroShotBarsShowTheLabelsBestFirst() throws IOException {
        driver.get(open.uri().toString());
        driver.findElement(By.id("tab-zeroshot")).click();
        assertTrue(driver.getCurrentUrl().endsWith("/?view=zeroshot"), driver.getCurrentUrl());
        Path image = images.get(1);
        driver.findElement(By.id("zs-file")).sendKeys(image.toString());
        List<String> labels = List.of("a dog", "a cat", "a red car", "a bowl of soup");
        driver.findElement(By.id("zs-labels")).sendKeys(String.join(", ", labels));
        driver.findElement(By.id("zs-run")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#bars .bar")).size() == labels.size());

        List<Prediction> expected = model.classifier(labels, ClipModel.DEFAULT_TEMPLATES).top(model.embedImage(image), labels.size());
        List<WebElement> bars = driver.findElements(By.cssSelector("#bars .bar"));
        for (int i = 0; i < bars.size(); i++) {
            assertEquals(expected.get(i).label(), bars.get(i).getDomAttribute("data-label"), "rank " + i);
            assertEquals(expected.get(i).probability(), Float.parseFloat(bars.get(i).getDomAttribute("data-prob")), 1e-6, "rank " + i);
        }
        screenshot("zero-shot");
    }

    @Test
    void withAnApiKeyThePageAsksForItOnceAndFailsCleanlyWithAWrongOne() throws IOException {
        driver.get(keyed.uri() + "?q=cat&k=4");
        WebElement dialog = driver.findElement(By.id("key-dialog"));
        waiting().until(d -> dialog.isDisplayed());
        driver.findElement(By.id("key")).sendKeys("not-the-key", Keys.ENTER);
        // Asked again, saying why; cancelled: an error on the page, no results.
        waiting().until(d -> dialog.isDisplayed() && d.findElement(By.id("key-reason")).getText().startsWith("wrong API key"));
        screenshot("api-key");
        driver.findElement(By.cssSelector("#key-dialog button[value=cancel]")).click();
        waiting().until(d -> d.findElement(By.id("message")).getText().equals("wrong API key"));
        assertEquals("error", driver.findElement(By.id("message")).getDomAttribute("class"));
        assertEquals(0, driver.findElements(By.cssSelector("#results .result")).size());

        // The right key: results and their thumbnails (fetched with the key), and no further question.
        driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
        waiting().until(d -> dialog.isDisplayed());
        driver.findElement(By.id("key")).sendKeys(KEY, Keys.ENTER);
        assertResults(index.searchExact(model.embedText("cat"), 6), results(6));
        driver.navigate().refresh();
        results(6);
        assertTrue(!driver.findElement(By.id("key-dialog")).isDisplayed(), "the key is asked for once");
    }

    @Test
    void aPhoneSizedWindowShowsTheSameResults() throws IOException {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(412, 900));
        driver.get(open.uri() + "?q=" + URLEncoder.encode("a dog", StandardCharsets.UTF_8) + "&k=4");
        assertResults(index.searchExact(model.embedText("a dog"), 4), results(4));
        long overflow = (Long) driver.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(overflow <= 0, "no sideways scrolling: the page is " + overflow + " px wider than the window");
        screenshot("phone");
    }
}
