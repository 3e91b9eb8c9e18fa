package io.pgconn.query;

import io.pgconn.query.SqlTokenWalker.Kind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SqlTokenWalker}: the tokens of a text, past blanks and comments, with literals, quoted names, dollar quotes and
 * comments read as PostgreSQL's lexer reads their ends — a table of the cases, and a property: any sequence of tokens,
 * written with blanks and comments (line, nested block) between them, is walked back as exactly those tokens.
 */
class SqlTokenWalkerTest {

    /** One token as the walker should report it: kind, text, parenthesis depth. */
    record Token(Kind kind, String text, int depth) {
        @Override
        public String toString() {
            return kind + "@" + depth + ":" + text;
        }
    }

    private static List<Token> walk(String sql, boolean standardConformingStrings) {
        SqlTokenWalker walker = new SqlTokenWalker(sql, standardConformingStrings);
        List<Token> tokens = new ArrayList<>();
        int previousEnd = 0;
        for (Kind kind = walker.next(); kind != Kind.END; kind = walker.next()) {
            assertThat(walker.start()).as("tokens move forward in %s", sql).isGreaterThanOrEqualTo(previousEnd);
            assertThat(walker.end()).as("a token is not empty and stays in %s", sql).isGreaterThan(walker.start())
                    .isLessThanOrEqualTo(sql.length());
            assertThat(walker.kind()).isEqualTo(kind);
            tokens.add(new Token(kind, walker.text(), walker.depth()));
            previousEnd = walker.end();
        }
        assertThat(walker.next()).as("END stays END").isEqualTo(Kind.END);
        return tokens;
    }

    private static Token t(Kind kind, String text, int depth) {
        return new Token(kind, text, depth);
    }

    @Example
    void wordsLiteralsAndPunctuationOutsideComments() {
        assertThat(walk("-- lead\nSELECT a.b, $1 /* x /* nested ; */ still */ FROM t WHERE (c = 'x;y') ;", true)).containsExactly(
                t(Kind.WORD, "SELECT", 0), t(Kind.WORD, "a", 0), t(Kind.OTHER, ".", 0), t(Kind.WORD, "b", 0),
                t(Kind.OTHER, ",", 0), t(Kind.PARAMETER, "$1", 0), t(Kind.WORD, "FROM", 0), t(Kind.WORD, "t", 0),
                t(Kind.WORD, "WHERE", 0), t(Kind.OPEN, "(", 0), t(Kind.WORD, "c", 1), t(Kind.OTHER, "=", 1),
                t(Kind.STRING, "'x;y'", 1), t(Kind.CLOSE, ")", 0), t(Kind.SEMICOLON, ";", 0));
    }

    @Example
    void aPrefixIsTheWordBeforeItsLiteralAndDecidesItsBackslashes() {
        assertThat(walk("E'it\\'s' x", true)).containsExactly(t(Kind.WORD, "E", 0), t(Kind.STRING, "'it\\'s'", 0),
                t(Kind.WORD, "x", 0));
        assertThat(walk("'a\\' b", true)).as("a plain literal takes no backslash escape while standard_conforming_strings is on")
                .containsExactly(t(Kind.STRING, "'a\\'", 0), t(Kind.WORD, "b", 0));
        assertThat(walk("'a\\' b'", false)).as("... and does while it is off").containsExactly(t(Kind.STRING, "'a\\' b'", 0));
        assertThat(walk("U&'d\\0061' B'01' X'ff'", false)).extracting(Token::text)
                .containsExactly("U", "&", "'d\\0061'", "B", "'01'", "X", "'ff'");
        assertThat(walk("'it''s' \"a \"\" b\"", true)).containsExactly(t(Kind.STRING, "'it''s'", 0),
                t(Kind.QUOTED_NAME, "\"a \"\" b\"", 0));
    }

    @Example
    void dollarQuotesParametersAndLoneDollars() {
        assertThat(walk("$fn$ SELECT 'x'; $$ $x$ $fn$ $$a$$ $12 x$y $ $1a$", true)).containsExactly(
                t(Kind.DOLLAR_STRING, "$fn$ SELECT 'x'; $$ $x$ $fn$", 0), t(Kind.DOLLAR_STRING, "$$a$$", 0),
                t(Kind.PARAMETER, "$12", 0), t(Kind.WORD, "x$y", 0), t(Kind.OTHER, "$", 0), t(Kind.PARAMETER, "$1", 0),
                t(Kind.WORD, "a$", 0));
    }

    @Example
    void commentsEndWhereTheServersDo() {
        assertThat(walk("a -- b\rc --d\r\ne /* 1 /* 2 */ 3 */ f -- last", true)).extracting(Token::text)
                .containsExactly("a", "c", "e", "f");
        assertThat(walk("a /* x */* b", true)).extracting(Token::text).containsExactly("a", "*", "b");
    }

    @Example
    void parenthesesNeverGoBelowTheTopLevel() {
        assertThat(walk(") ( ( ) x )", true)).containsExactly(t(Kind.CLOSE, ")", 0), t(Kind.OPEN, "(", 0),
                t(Kind.OPEN, "(", 1), t(Kind.CLOSE, ")", 1), t(Kind.WORD, "x", 1), t(Kind.CLOSE, ")", 0));
    }

    @Example
    void anUnclosedLiteralOrCommentRunsToTheEndAndMakesTheTextIncomplete() {
        for (String sql : new String[]{"SELECT 'x", "SELECT \"x", "SELECT $a$ x $b$", "SELECT 1 /* a /* b */",
                "SELECT E'x\\'"}) {
            SqlTokenWalker walker = new SqlTokenWalker(sql, true);
            while (walker.next() != Kind.END) {
                assertThat(walker.end()).isLessThanOrEqualTo(sql.length());
            }
            assertThat(walker.complete()).as(sql).isFalse();
        }
        for (String sql : new String[]{"SELECT 'x' -- no line end", "", "   ", "/* a */"}) {
            SqlTokenWalker walker = new SqlTokenWalker(sql, true);
            while (walker.next() != Kind.END) {
                assertThat(walker.end()).isLessThanOrEqualTo(sql.length());
            }
            assertThat(walker.complete()).as(sql).isTrue();
        }
    }

    @Example
    void isWordIgnoresCaseAndNeverMatchesAQuotedName() {
        SqlTokenWalker walker = new SqlTokenWalker("Rollback \"rollback\" rollbacks", true);
        walker.next();
        assertThat(walker.isWord("ROLLBACK")).isTrue();
        assertThat(walker.word()).isEqualTo("ROLLBACK");
        walker.next();
        assertThat(walker.isWord("rollback")).isFalse();
        assertThat(walker.word()).isNull();
        walker.next();
        assertThat(walker.isWord("rollback")).isFalse();
    }

    /** A text written from tokens, with blanks and comments between them, walks back to exactly those tokens. */
    @Property(tries = 500)
    void aTextOfTokensWalksBackToThem(@ForAll("pieces") List<Piece> pieces, @ForAll boolean standardConformingStrings,
                                      @ForAll("separators") List<String> separators) {
        StringBuilder sql = new StringBuilder();
        List<Token> expected = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < pieces.size(); i++) {
            sql.append(separators.get(i % separators.size()));
            Piece piece = pieces.get(i);
            sql.append(piece.written());
            for (Token token : piece.tokens()) {
                if (token.kind() == Kind.CLOSE) {
                    depth = Math.max(0, depth - 1);
                }
                expected.add(t(token.kind(), token.text(), depth));
                if (token.kind() == Kind.OPEN) {
                    depth++;
                }
            }
        }
        sql.append(separators.get(0));
        SqlTokenWalker walker = new SqlTokenWalker(sql.toString(), standardConformingStrings);
        assertThat(walk(sql.toString(), standardConformingStrings)).as(sql.toString()).containsExactlyElementsOf(expected);
        while (walker.next() != Kind.END) {
            // walked again for complete()
        }
        assertThat(walker.complete()).as(sql.toString()).isTrue();
    }

    /** Any prefix of such a text walks without failing, every token inside the text. */
    @Property(tries = 300)
    void aTextCutAnywhereStillWalks(@ForAll("pieces") List<Piece> pieces, @ForAll boolean standardConformingStrings) {
        StringBuilder sql = new StringBuilder();
        for (Piece piece : pieces) {
            sql.append(" /* c */ ").append(piece.written());
        }
        for (int cut = 0; cut <= sql.length(); cut++) {
            walk(sql.substring(0, cut), standardConformingStrings);
        }
    }

    /** What a generated piece of text is written as, and the tokens it is. */
    record Piece(String written, List<Token> tokens) {
        static Piece of(Kind kind, String text) {
            return new Piece(text, List.of(t(kind, text, 0)));
        }
    }

    @Provide
    Arbitrary<List<Piece>> pieces() {
        Arbitrary<String> inside = Arbitraries.of("a", " ", ";", "(", ")", "--", "/*", "*/", "$$", "$1", "\n", "\"", "''",
                        "x$y", "commit", "\\\\").list().ofMaxSize(6).map(parts -> String.join("", parts));
        Arbitrary<String> wordStart = Arbitraries.of("a", "Z", "_", "é", "select", "ROLLBACK", "returning");
        Arbitrary<String> wordRest = Arbitraries.of("", "1", "$", "_x", "b9").list().ofMaxSize(3).map(parts -> String.join("", parts));
        Arbitrary<Piece> word = Combinators.combine(wordStart, wordRest).as((a, b) -> Piece.of(Kind.WORD, a + b));
        Arbitrary<Piece> string = inside.map(s -> s.replace("\\", "")) // a backslash escapes only under some settings
                .map(s -> Piece.of(Kind.STRING, "'" + s + "'"));
        Arbitrary<Piece> escapeString = Combinators.combine(Arbitraries.of("E", "e"), inside.map(s -> s.replace("''", "\\'")))
                .as((e, s) -> new Piece(e + "'" + s + "'", List.of(t(Kind.WORD, e, 0), t(Kind.STRING, "'" + s + "'", 0))));
        Arbitrary<Piece> quotedName = inside.map(s -> s.replace("\"", "\"\"")).map(s -> Piece.of(Kind.QUOTED_NAME, "\"" + s + "\""));
        Arbitrary<Piece> dollarString = Combinators.combine(Arbitraries.of("", "fn", "_t", "a1"), inside)
                .as((tag, s) -> "$" + tag + "$" + s.replace("$" + tag + "$", "") + "$" + tag + "$")
                .filter(d -> SqlTokens.skipDollarQuoted(d, 0) == d.length()) // the body may not hold the closing tag
                .map(d -> Piece.of(Kind.DOLLAR_STRING, d));
        Arbitrary<Piece> parameter = Arbitraries.integers().between(1, 65535).map(n -> Piece.of(Kind.PARAMETER, "$" + n));
        Arbitrary<Piece> punctuation = Arbitraries.of(
                Piece.of(Kind.OPEN, "("), Piece.of(Kind.CLOSE, ")"), Piece.of(Kind.SEMICOLON, ";"), Piece.of(Kind.OTHER, ","),
                Piece.of(Kind.OTHER, "="), Piece.of(Kind.OTHER, "-"), Piece.of(Kind.OTHER, "/"), Piece.of(Kind.OTHER, "*"),
                Piece.of(Kind.OTHER, "1"), Piece.of(Kind.OTHER, "$"), Piece.of(Kind.OTHER, "."), Piece.of(Kind.OTHER, ":"));
        return Arbitraries.oneOf(word, string, escapeString, quotedName, dollarString, parameter, punctuation)
                .list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<String>> separators() {
        Arbitrary<String> comment = Arbitraries.of("a", " ", "'", "\"", "$$", ";", "(", "--", "/* x */", "*").list().ofMaxSize(4)
                .map(parts -> String.join("", parts));
        Arbitrary<String> separator = Arbitraries.oneOf(
                Arbitraries.of(" ", "\n", "\t", "\r\n  "),
                comment.map(c -> " --" + c.replace("\n", "") + "\n"),
                comment.map(c -> " --" + c + "\r"),
                comment.map(c -> " /*" + c.replace("/*", "").replace("*/", "") + "*/ "),
                comment.map(c -> " /* outer /*" + c.replace("/*", "").replace("*/", "") + "*/ still */ "));
        return separator.list().ofMinSize(1).ofMaxSize(4);
    }
}
