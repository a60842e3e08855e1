using System.Security.Cryptography;
using Microsoft.Playwright;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// The frontend in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): a student
/// searches on a phone, opens a record and downloads the book; an operator signs in to the dashboard on a
/// tablet. Screenshots go to TestResults/screenshots at the repository root.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private async Task<IPage> PageAsync(int width, int height)
    {
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = node.BaseAddress.ToString(), AcceptDownloads = true });
        return await context.NewPageAsync();
    }

    private static string Screenshot(string name)
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Join(root, "LibraryCluster.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        var folder = Path.Join(root ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Join(folder, name);
    }

    [Fact]
    public async Task On_a_phone_a_student_searches_opens_a_record_and_downloads_the_book()
    {
        var page = await PageAsync(390, 844);
        var book = node.HeldBook;
        await page.GotoAsync("/");
        await page.GetByLabel("Search the catalogue").FillAsync(book.Title);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        var hit = page.Locator("ol.hits li").Filter(new() { HasText = book.Title }).First;
        await Assertions.Expect(hit.Locator(".badge.held")).ToHaveTextAsync("held here");
        await page.ScreenshotAsync(new() { Path = Screenshot("phone-search.png"), FullPage = true });

        await hit.Locator("a.hit-title").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(book.Title);
        await page.ScreenshotAsync(new() { Path = Screenshot("phone-record.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download").ClickAsync());
        var saved = Path.Join(node.Temp.Path, "downloaded");
        await download.SaveAsAsync(saved);
        Assert.Equal(book.Md5, Convert.ToHexStringLower(MD5.HashData(await File.ReadAllBytesAsync(saved))));
        Assert.EndsWith("." + book.Extension, download.SuggestedFilename, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Facets_narrow_the_results_and_a_record_not_held_says_so()
    {
        var page = await PageAsync(820, 1180);
        await page.GotoAsync("/?q=");
        await page.Locator("aside a").Filter(new() { HasText = "scitech" }).ClickAsync();
        await Assertions.Expect(page.Locator("aside a.selected")).ToContainTextAsync("scitech");
        Assert.Contains("collection=scitech", page.Url, StringComparison.Ordinal);

        await page.GotoAsync($"/records/{node.NotHeldBook.Md5}");
        await Assertions.Expect(page.Locator("#not-held")).ToContainTextAsync(NodeFixture.NotHeldTorrent);
        Assert.Equal(0, await page.Locator("#download").CountAsync());
        await page.ScreenshotAsync(new() { Path = Screenshot("tablet-not-held.png"), FullPage = true });
    }

    [Fact]
    public async Task On_a_tablet_an_operator_signs_in_and_sees_volumes_torrents_and_the_journal()
    {
        var page = await PageAsync(820, 1180);
        await page.GotoAsync("/admin");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/login$"));

        await page.GetByLabel("Admin token").FillAsync("wrong-token-wrong-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not this node's admin token");

        await page.GetByLabel("Admin token").FillAsync(NodeFixture.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Assertions.Expect(page.Locator("#volumes tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#torrents tr[data-torrent='r_000'] .badge")).ToHaveTextAsync("Healthy");
        Assert.True(await page.Locator("#journal tbody tr").CountAsync() >= node.Manifest.Torrents.Count - 1);
        await page.ScreenshotAsync(new() { Path = Screenshot("tablet-dashboard.png"), FullPage = true });
    }
}
