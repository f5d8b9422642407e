using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Simulator.State;

/// <summary>
/// The simulator's message-template store, seeded like a fresh WABA with a few templates of each
/// category; tests add, pause and re-categorise templates through <c>/_sim/templates</c>. Every WABA id
/// reads the same store.
/// </summary>
public sealed class TemplateStore
{
    private readonly Lock _lock = new();
    private readonly List<MessageTemplate> _templates = [];
    private long _nextId = 1_000_000_000_000_001;

    /// <summary>Creates the store with its seed templates.</summary>
    public TemplateStore()
    {
        Put(Template("welcome", "UTILITY", Body("Welcome {{1}}. We look forward to serving you on WhatsApp.")));
        Put(Template("order_confirmation", "UTILITY", Body("Your order {{1}} for a total of {{2}} is confirmed. The expected delivery is {{3}}."), QuickReplies("Track order")));
        Put(Template("hello_world", "UTILITY", Body("Hello World")));
        Put(Template("spring_sale", "MARKETING", Header("Spring sale"), Body("Hi {{1}}, everything is {{2}} off until Sunday."), QuickReplies("Shop now", "Stop promotions")));
        Put(Template("promo", "MARKETING", Body("A new offer for you.")));
        Put(Template("login_code", "AUTHENTICATION", Body("{{1}} is your verification code."), new MessageTemplateComponent { Type = "BUTTONS", Buttons = [new MessageTemplateButton { Type = "OTP", Text = "Copy code" }] }));
    }

    /// <summary>How many templates the store holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _templates.Count;
            }
        }
    }

    /// <summary>Adds a template, or replaces the one with the same name and language (keeping its id). Returns it as stored.</summary>
    public MessageTemplate Put(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        lock (_lock)
        {
            var index = IndexOf(template.Name, template.Language);
            if (index >= 0)
            {
                return _templates[index] = template with { Id = _templates[index].Id, Status = template.Status ?? "APPROVED" };
            }

            var stored = template with { Id = (_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture), Status = template.Status ?? "APPROVED" };
            _templates.Add(stored);
            return stored;
        }
    }

    /// <summary>
    /// Changes the status and/or category of a template and tells <paramref name="changed"/> (inside the
    /// store's lock, so that news of two changes leaves in their order); null when it does not exist.
    /// </summary>
    public MessageTemplate? Update(string name, string language, string? status, string? category, Action<MessageTemplate, MessageTemplate> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_lock)
        {
            var index = IndexOf(name, language);
            if (index < 0)
            {
                return null;
            }

            var before = _templates[index];
            var after = _templates[index] = before with { Status = status ?? before.Status, Category = category ?? before.Category };
            changed(before, after);
            return after;
        }
    }

    /// <summary>One page of up to <paramref name="limit"/> templates after the template with id <paramref name="after"/>; null for a cursor it never gave.</summary>
    public (IReadOnlyList<MessageTemplate> Page, bool More)? Page(string? after, int limit)
    {
        lock (_lock)
        {
            var start = after is null ? 0 : _templates.FindIndex(t => t.Id == after) + 1;
            if (start == 0 && after is not null)
            {
                return null;
            }

            var page = _templates.Skip(start).Take(limit).ToList();
            return (page, start + page.Count < _templates.Count);
        }
    }

    /// <summary>The category of template <paramref name="name"/> in <paramref name="language"/> (any language when none is given), or null when the store has no such template.</summary>
    public string? CategoryOf(string name, string? language)
    {
        lock (_lock)
        {
            var template = _templates.Find(t => string.Equals(t.Name, name, StringComparison.Ordinal) && (language is null || string.Equals(t.Language, language, StringComparison.Ordinal)))
                ?? _templates.Find(t => string.Equals(t.Name, name, StringComparison.Ordinal));
            return template?.Category;
        }
    }

    private int IndexOf(string? name, string? language) =>
        _templates.FindIndex(t => string.Equals(t.Name, name, StringComparison.Ordinal) && string.Equals(t.Language, language, StringComparison.Ordinal));

    private static MessageTemplate Template(string name, string category, params MessageTemplateComponent[] components) =>
        new() { Name = name, Language = "en_US", Category = category, ParameterFormat = "POSITIONAL", Components = components };

    private static MessageTemplateComponent Header(string text) => new() { Type = "HEADER", Format = "TEXT", Text = text };

    private static MessageTemplateComponent Body(string text) => new() { Type = "BODY", Text = text };

    private static MessageTemplateComponent QuickReplies(params string[] labels) =>
        new() { Type = "BUTTONS", Buttons = [.. labels.Select(l => new MessageTemplateButton { Type = "QUICK_REPLY", Text = l })] };
}
