/*
 * Voronka web form, embeddable on any site:
 *   <script src="https://crm.example.com/forms/embed.js" data-form="FORM_KEY" async></script>
 * Draws the form right after the script tag (or inside the element named by
 * data-target), posts it as JSON with fetch and shows the thank-you words.
 * The site must be among the form's allowed origins. Style it through the
 * .voronka-form classes; it brings only a few rules of its own.
 */
(function () {
	'use strict';
	var script = document.currentScript;
	if (!script) return;
	var key = script.getAttribute('data-form');
	if (!key) return;
	var endpoint = new URL(script.src).origin + '/api/public/forms/' + encodeURIComponent(key);
	var target = script.getAttribute('data-target');
	var host = document.createElement('div');
	host.className = 'voronka-form';
	var parent = target ? document.querySelector(target) : null;
	if (parent) parent.appendChild(host);
	else script.parentNode.insertBefore(host, script.nextSibling);

	function el(tag, attributes, text) {
		var node = document.createElement(tag);
		for (var name in attributes) node.setAttribute(name, attributes[name]);
		if (text) node.textContent = text;
		return node;
	}

	function render(form) {
		var element = el('form', { novalidate: '', 'class': 'voronka-form__form' });
		element.style.cssText = 'display:grid;gap:0.75rem;max-width:28rem';
		form.fields.forEach(function (field) {
			var id = 'voronka-' + key + '-' + field.name;
			var row = el('div', { 'class': 'voronka-form__field' });
			row.style.cssText = 'display:grid;gap:0.25rem';
			row.appendChild(el('label', { 'for': id }, field.label + (field.required ? ' *' : '')));
			var input = field.kind === 'textarea' ? el('textarea', { rows: '4' }) : el('input', { type: field.kind });
			input.id = id;
			input.name = field.name;
			if (field.required) input.required = true;
			input.style.cssText = 'font:inherit;padding:0.5rem';
			row.appendChild(input);
			element.appendChild(row);
		});
		// The spam trap: people never see or reach it, bots fill it in.
		var trap = el('div', { 'aria-hidden': 'true' });
		trap.style.cssText = 'position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden';
		trap.appendChild(el('input', { type: 'text', name: form.honeypot, tabindex: '-1', autocomplete: 'off' }));
		element.appendChild(trap);
		var status = el('p', { role: 'alert', 'class': 'voronka-form__error' });
		status.hidden = true;
		element.appendChild(status);
		var button = el('button', { type: 'submit', 'class': 'voronka-form__submit' }, form.submitLabel);
		button.style.cssText = 'font:inherit;padding:0.5rem 1rem;justify-self:start';
		element.appendChild(button);
		element.addEventListener('submit', function (event) {
			event.preventDefault();
			var body = {};
			new FormData(element).forEach(function (value, name) {
				body[name] = String(value);
			});
			button.disabled = true;
			fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
				.then(function (response) {
					return response.json().then(function (json) {
						if (!response.ok) throw new Error((json && json.error && json.error.message) || String(response.status));
						if (form.thankYou.url) {
							window.location.href = form.thankYou.url;
							return;
						}
						host.replaceChildren(el('h3', { 'class': 'voronka-form__thanks-title' }, form.thankYou.title), el('p', { 'class': 'voronka-form__thanks' }, form.thankYou.text));
					});
				})
				.catch(function (error) {
					status.textContent = error.message;
					status.hidden = false;
					button.disabled = false;
				});
		});
		host.replaceChildren(element);
	}

	fetch(endpoint)
		.then(function (response) {
			return response.json();
		})
		.then(function (form) {
			if (form && form.fields) render(form);
			else host.textContent = (form && form.error && form.error.message) || '';
		});
})();
