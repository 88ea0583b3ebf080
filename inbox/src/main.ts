import './components/ib-app/ib-app.js';
