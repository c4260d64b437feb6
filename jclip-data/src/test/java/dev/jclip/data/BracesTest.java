package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BracesTest {

    @Test
    void rangesListsAndProducts() {
        assertEquals(List.of("s-000.tar", "s-001.tar", "s-002.tar"), Braces.expand("s-{000..002}.tar"));
        assertEquals(List.of("s-8.tar", "s-9.tar", "s-10.tar"), Braces.expand("s-{8..10}.tar"));
        assertEquals(List.of("s-08", "s-09", "s-10"), Braces.expand("s-{08..10}"));
        assertEquals(List.of("3", "2", "1"), Braces.expand("{3..1}"));
        assertEquals(List.of("train/a-0.tar", "train/a-1.tar", "val/a-0.tar", "val/a-1.tar"), Braces.expand("{train,val}/a-{0..1}.tar"));
        assertEquals(List.of("plain.tar"), Braces.expand("plain.tar"));
    }

    @Test
    void badPatternsAreRefused() {
        assertEquals("unbalanced braces in 's-{000..002.tar'",
                assertThrows(IllegalArgumentException.class, () -> Braces.expand("s-{000..002.tar")).getMessage());
        assertEquals("bad range {a..c} in 'x{a..c}': expected {first..last} with digits",
                assertThrows(IllegalArgumentException.class, () -> Braces.expand("x{a..c}")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Braces.expand("{0..9999}{0..9999}"));
    }
}
